package dev.cync.canary.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/** An immutable byte string with value equality and a hex text form. */
public final class Bytes {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private final byte[] bytes;

    private Bytes(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Bytes copyOf(byte[] bytes) {
        return new Bytes(bytes.clone());
    }

    public static Bytes copyOf(byte[] bytes, int from, int to) {
        return new Bytes(Arrays.copyOfRange(bytes, from, to));
    }

    /** Parses space-separated hex such as {@code "d3 00 00 00 00"}. */
    public static Bytes fromHex(String hex) {
        String compact = hex.trim().replaceAll("\\s+", "");
        return new Bytes(HexFormat.of().parseHex(compact));
    }

    /** Takes ownership of an array the caller will not touch again. */
    static Bytes wrap(byte[] bytes) {
        return new Bytes(bytes);
    }

    public int length() {
        return bytes.length;
    }

    public int get(int index) {
        return bytes[index] & 0xFF;
    }

    public byte[] toArray() {
        return bytes.clone();
    }

    /** Read-only access for encoders in this package; never handed out. */
    byte[] array() {
        return bytes;
    }

    public String hex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
