package dev.cync.canary.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;

/**
 * What was built: the project version and, when the build ran in a git clone, the abbreviated
 * commit. Maven writes both into {@code build.properties} (resource filtering, see pom.xml); the
 * command line's {@code --version} and the {@code cync_canary_build_info} metric read them here,
 * so that the two never disagree.
 *
 * @param version the Maven project version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param revision the abbreviated git commit, or empty when the build had no git (a source tarball)
 */
public record BuildInfo(String version, Optional<String> revision) {

    static final String RESOURCE = "build.properties";

    /** The build this code came from. */
    public static BuildInfo current() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                // Only when the classes were compiled by something other than Maven (an IDE without
                // resource filtering): say so rather than invent a version.
                return new BuildInfo("unknown (not built by Maven)", Optional.empty());
            }
            Properties p = new Properties();
            p.load(in);
            return of(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the jar", e);
        }
    }

    /** From the filtered properties; a placeholder Maven left unresolved counts as absent. */
    static BuildInfo of(Properties p) {
        return new BuildInfo(value(p, "version").orElse("unknown"), value(p, "revision"));
    }

    private static Optional<String> value(Properties p, String key) {
        String v = p.getProperty(key, "").trim();
        return v.isEmpty() || v.startsWith("${") ? Optional.empty() : Optional.of(v);
    }

    /** One line for people: {@code 0.1.0-SNAPSHOT (git 2d4012a)}, or only the version. */
    public String describe() {
        return version + revision.map(r -> " (git " + r + ")").orElse("");
    }
}
