package dev.cync.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md rule 13: a main-source file over {@value #MAX_LINES} lines says why it is one class.
 * Its top-level type's Javadoc must hold a paragraph that starts with {@value #MARKER} (as its first
 * sentence or after a {@code <p>}) naming the single job that keeps it together; a class that cannot
 * say so is split instead. Lines are counted in the source file as formatted, comments included.
 */
class ClassSizeTest {

    static final int MAX_LINES = 350;
    static final String MARKER = "Why one class:";

    @Test
    void everyBigMainClassSaysWhyItIsOneClass() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String name = f.getFileName().toString().replace(".java", "");
                List<String> lines = Files.readAllLines(f);
                if (lines.size() > MAX_LINES && !saysWhy(String.join("\n", lines), name)) {
                    offenders.add(f + " (" + lines.size() + " lines)");
                }
            }
        }
        assertThat(offenders)
                .as(
                        "classes over %d lines need a class-comment paragraph starting \"%s\" (docs/design.md rule 13)",
                        MAX_LINES, MARKER)
                .isEmpty();
    }

    @Test
    void theRuleReadsOnlyTheTopLevelClassComment() {
        String why = """
                package x;

                /**
                 * Does one thing.
                 *
                 * <p>Why one class: the one thing needs all of it.
                 */
                public final class Big {}
                """;
        String first = """
                /** Why one class: it is small in spirit. */
                @Deprecated
                final class Big {}
                """;
        String none = """
                /** Does two things. */
                public final class Big {
                    /** <p>Why one class: a member's comment does not count. */
                    void run() {}
                }
                """;
        String midSentence = """
                /** Does two things; nobody wrote why one class: for it. */
                public final class Big {}
                """;
        String otherType = """
                /** <p>Why one class: this is about Other. */
                final class Other {}

                final class Big {}
                """;
        assertThat(saysWhy(why, "Big")).isTrue();
        assertThat(saysWhy(
                        "/** <p>Why one class: a command. */\n@Command(name = \"x\", description = \"a (b) c\")\nfinal class Big {}",
                        "Big"))
                .isTrue();
        assertThat(saysWhy(first, "Big")).isTrue();
        assertThat(saysWhy(none, "Big")).isFalse();
        assertThat(saysWhy(midSentence, "Big")).isFalse();
        assertThat(saysWhy(otherType, "Big")).isFalse();
    }

    /** The Javadoc right before {@code name}'s declaration (annotations and modifiers between allowed). */
    private static final String DECLARATION =
            "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(?:@[\\w.]+(?:\\((?:(?!/\\*\\*).)*?\\))?\\s*)*"
                    + "(?:(?:public|final|abstract|sealed|non-sealed|static)\\s+)*(?:class|interface|record|enum)\\s+";

    static boolean saysWhy(String source, String name) {
        Matcher m = Pattern.compile(DECLARATION + Pattern.quote(name) + "\\b", Pattern.DOTALL)
                .matcher(source);
        if (!m.find()) {
            return false;
        }
        String comment = m.group(1).replaceAll("(?m)^\\s*\\*\\s?", "").strip();
        return comment.startsWith(MARKER)
                || Pattern.compile("<p>\\s*" + Pattern.quote(MARKER))
                        .matcher(comment)
                        .find();
    }
}
