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

    @Override
    public String toString() {
        return String.format("%08x", value);
    }
}
