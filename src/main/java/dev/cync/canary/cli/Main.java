package dev.cync.canary.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cync-canary} command line. Each subcommand lives in its own class. */
@Command(
        name = "cync-canary",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Moves a Cync device fleet from the legacy to the reliable command transport, safely.",
        subcommands = {
            DemoCommand.class,
            ServeCommand.class,
            SimulateCommand.class,
            BenchCommand.class,
            CaptureCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Run 'cync-canary help COMMAND' for the options of one command."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
