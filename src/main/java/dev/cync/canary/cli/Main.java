package dev.cync.canary.cli;

import dev.cync.canary.flags.StoreUnreachableException;
import java.net.BindException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cync-canary} command line. Each subcommand lives in its own class. */
@Command(
        name = "cync-canary",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Moves a Cync device fleet from the legacy to the new, reliable command transport, safely.",
        subcommands = {
            DemoCommand.class,
            ServeCommand.class,
            AdminCommands.Status.class,
            AdminCommands.SetCanary.class,
            AdminCommands.Rollback.class,
            AdminCommands.Cohort.class,
            AdminCommands.Exclude.class,
            AdminCommands.DarkLaunch.class,
            AdminCommands.KillSwitch.class,
            RouteCommand.class,
            RolloutCommand.class,
            AdminCommands.Power.class,
            AdminCommands.Brightness.class,
            AdminCommands.ColorTemp.class,
            AdminCommands.Rgb.class,
            AdminCommands.Devices.class,
            AdminCommands.Audit.class,
            RehearseCommand.class,
            GenerateCommand.class,
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
        CommandLine cl = new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::invalidInput)
                .setParameterExceptionHandler(Main::usageError);
        // -V on a subcommand prints the same as on the top command.
        cl.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(new VersionProvider()));
        return cl;
    }

    /**
     * A usage error (unknown or missing option, bad value) is one line naming it, and where to read
     * more; the full usage would bury the line that matters under twenty others.
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u
                && !u.getSuggestions().isEmpty()) {
            message += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
        }
        String name = cl.getCommandSpec().qualifiedName(" ");
        cl.getErr().println(name + ": " + message);
        cl.getErr()
                .println("see: "
                        + (cl.getParent() == null ? name + " --help" : "cync-canary help " + cl.getCommandName()));
        cl.getErr().flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * Invalid input (a bad flag value, a config error) is one clear line and exit status 2, not a
     * stack trace; anything else is a bug and keeps its trace.
     */
    private static int invalidInput(Exception e, CommandLine cl, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof IllegalArgumentException) {
            cl.getErr().println("cync-canary " + cl.getCommandName() + ": " + e.getMessage());
            cl.getErr().flush();
            return 2;
        }
        if (e instanceof BindException) {
            cl.getErr()
                    .println(
                            "cync-canary " + cl.getCommandName() + ": cannot listen: " + e.getMessage()
                                    + " (is another controller running? choose other ports with --http-port, --device-port, --tls-port, or 0 for free ones)");
            cl.getErr().flush();
            return 2;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreUnreachableException) {
                cl.getErr().println("cync-canary " + cl.getCommandName() + ": " + t.getMessage());
                cl.getErr().flush();
                return 1;
            }
        }
        throw e;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
