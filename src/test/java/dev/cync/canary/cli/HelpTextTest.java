package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.metrics.BuildInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;

/** The help of every command, as a new user reads it in an 80-column terminal, and the one-line usage errors. */
class HelpTextTest {

    /** Every command and subcommand, depth first, the top one included. */
    static List<CommandLine> all(CommandLine cl) {
        List<CommandLine> out = new ArrayList<>();
        out.add(cl);
        cl.getSubcommands().values().forEach(sub -> out.addAll(all(sub)));
        return out;
    }

    static String usage(CommandLine cl, int width) {
        cl.setUsageHelpWidth(width);
        return cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    static List<String> words(String text) {
        return Arrays.stream(text.split("\\s+"))
                .filter(w -> !w.isEmpty())
                .sorted()
                .toList();
    }

    @Test
    void everyCommandsHelpFitsEightyColumnsWithNoWordBroken() {
        List<CommandLine> commands = all(Main.commandLine());
        assertThat(commands).hasSizeGreaterThan(20);
        for (CommandLine cl : commands) {
            String name = cl.getCommandSpec().qualifiedName();
            String narrow = usage(cl, 80);
            for (String line : narrow.lines().toList()) {
                assertThat(line.length())
                        .as("%s: a line over 80 columns: %s", name, line)
                        .isLessThanOrEqualTo(80);
            }
            // Wrapped at 80 or not wrapped at all, the help must hold the same words: a word that picocli
            // broke (at a dot, a colon, a comma) shows up as two pieces that the wide rendering lacks.
            String wide = usage(cl, 1000);
            assertThat(words(narrow))
                    .as("%s: words broken at 80 columns:%n%s", name, narrow)
                    .isEqualTo(words(wide));
        }
    }

    @Test
    void everyDescriptionIsOneParagraphAndEveryOptionAndParameterIsDescribed() {
        for (CommandLine cl : all(Main.commandLine())) {
            if (cl.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                continue; // picocli's own, worded by picocli
            }
            String name = cl.getCommandSpec().qualifiedName();
            // Several description lines are hard line breaks inside picocli's own wrapping.
            assertThat(cl.getCommandSpec().usageMessage().description())
                    .as("%s: description", name)
                    .hasSizeLessThanOrEqualTo(1);
            List<ArgSpec> args = new ArrayList<>(cl.getCommandSpec().options());
            args.addAll(cl.getCommandSpec().positionalParameters());
            for (ArgSpec a : args) {
                String label = a.isOption() ? ((CommandLine.Model.OptionSpec) a).longestName() : a.paramLabel();
                assertThat(a.description())
                        .as("%s %s: description", name, label)
                        .hasSize(1);
                assertThat(a.description()[0])
                        .as("%s %s: description", name, label)
                        .isNotBlank();
            }
        }
    }

    @Test
    void reasonIsDocumentedWhereverItIsTakenAndActorOnlyOnCommandsThatChangeSomething() {
        List<String> readOnly = List.of("status", "route", "devices", "audit");
        for (CommandLine cl : all(Main.commandLine())) {
            CommandLine.Model.OptionSpec reason = cl.getCommandSpec().findOption("--reason");
            if (reason != null) {
                assertThat(String.join(" ", reason.description()))
                        .as(cl.getCommandName())
                        .contains("audit log");
            }
            if (readOnly.contains(cl.getCommandName())) {
                assertThat(cl.getCommandSpec().findOption("--actor"))
                        .as(cl.getCommandName())
                        .isNull();
            }
        }
        assertThat(Main.commandLine()
                        .getSubcommands()
                        .get("set-canary")
                        .getCommandSpec()
                        .findOption("--actor"))
                .isNotNull();
    }

    @Test
    void aUsageErrorIsOneLineAndWhereToReadMore() {
        CaptureCommandTest.Run missing = CaptureCommandTest.run("set-canary", "10");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err().lines().toList())
                .containsExactly(
                        "cync-canary set-canary: Missing required option: '--reason=TEXT'",
                        "see: cync-canary help set-canary");
        CaptureCommandTest.Run typo = CaptureCommandTest.run("audit", "--limt", "5");
        assertThat(typo.status()).isEqualTo(2);
        assertThat(typo.err().lines().toList()).hasSize(2);
        assertThat(typo.err())
                .contains("--limt")
                .contains("did you mean --limit?")
                .contains("see: cync-canary help audit");
        CaptureCommandTest.Run top = CaptureCommandTest.run("--bogus");
        assertThat(top.err().lines().toList()).hasSize(2).last().isEqualTo("see: cync-canary --help");
    }

    @Test
    void routeWithoutIdsSaysSoInsteadOfWaitingOnStandardInput() {
        CaptureCommandTest.Run r = CaptureCommandTest.run("route", "--offline");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("cync-canary route: which devices? give their ids, or - to read them from standard input"
                        + System.lineSeparator());
    }

    @Test
    void versionIsTheBuildsOwnOnEveryCommand() {
        BuildInfo build = BuildInfo.current();
        assertThat(build.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        CaptureCommandTest.Run top = CaptureCommandTest.run("--version");
        assertThat(top.out().strip())
                .isEqualTo("cync-canary " + build.describe())
                .doesNotContain("dev")
                .doesNotContain("${");
        assertThat(CaptureCommandTest.run("route", "-V").out()).isEqualTo(top.out());
    }
}
