package dev.cync.canary.protocol;

/**
 * The 4-byte device (endpoint) id that data packets carry at bytes 5..8 and the hello at 6..9.
 * Its text form, eight lower-case hex digits, is the id used everywhere else (routing, API, logs).
 */
public record DeviceId(int value) implements Comparable<DeviceId> {

    public static DeviceId parse(String hex) {
        String s = hex.trim();
        if (s.length() != 8) {
            throw new IllegalArgumentException("device id must be 8 hex digits, got '" + hex + "'");
        }
        try {
            return new DeviceId(Integer.parseUnsignedInt(s, 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device id must be 8 hex digits, got '" + hex + "'", e);
        }
    }

    @Override
    public int compareTo(DeviceId o) {
        return Integer.compareUnsigned(value, o.value);
    }

    private static final String DIGITS = "0123456789abcdef";

    /**
     * Eight lower-case hex digits. Built by hand, not with {@code String.format}: the router asks for
     * it once per command ({@code DeviceCommand.routingId}), and the formatter cost more than the
     * routing decision itself (see docs/BENCHMARKS.md, RouterBenchmark).
     */
    @Override
    public String toString() {
        byte[] b = new byte[8];
        for (int i = 7, v = value; i >= 0; i--, v >>>= 4) {
            b[i] = (byte) DIGITS.charAt(v & 0xF);
        }
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
