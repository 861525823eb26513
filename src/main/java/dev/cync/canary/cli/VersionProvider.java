package dev.cync.canary.cli;

import picocli.CommandLine;

/** Reads the version Maven wrote into the jar manifest; "dev" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"cync-canary " + (v == null ? "dev" : v)};
    }
}
