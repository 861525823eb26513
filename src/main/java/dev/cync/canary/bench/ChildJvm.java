package dev.cync.canary.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start the same jar's {@code simulate} in a child JVM: this JVM's {@code java} and class
 * path, and the command line's main class, which the command line names (the bench may not use
 * its package). The child's output is discarded; the bench reads the fleet from the controller.
 */
public record ChildJvm(String mainClass) {

    /** Starts {@code java JVM_OPTIONS -cp CLASSPATH MAIN simulate ARGS}. */
    Process simulate(List<String> jvmOptions, List<String> args) throws IOException {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass, "simulate"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
