package dev.cync.canary.cli;

import dev.cync.canary.metrics.BuildInfo;
import picocli.CommandLine;

/** {@code --version}: the version and git revision Maven wrote into build.properties (see {@link BuildInfo}). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"cync-canary " + BuildInfo.current().describe()};
    }
}
