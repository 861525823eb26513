package dev.cync.canary.protocol;

/**
 * What a server command sets (docs/protocol.md, "Commands from the server"). Every setting is a state,
 * never a change ("toggle" does not exist on the wire), so sending one twice is harmless.
 */
public sealed interface Setting {

    /** The inner opcode: {@code d0} for power, {@code f0} for the light settings. */
    int opcode();

    /** The parameter bytes after {@code opcode 11 02}. */
    byte[] parameters();

    /** Short text for logs, the API and {@code capture --packets}. */
    String describe();

    /** Power on or off: {@code d0 11 02}, state, {@code 00 00} [VENDOR]. */
    record Power(boolean on) implements Setting {
        public int opcode() {
            return InnerFrame.OP_POWER;
        }

        public byte[] parameters() {
            return new byte[] {(byte) (on ? 1 : 0), 0, 0};
        }

        public String describe() {
            return on ? "power on" : "power off";
        }
    }

    /** Brightness 0..100: {@code f0 11 02 01}, level, {@code ff ff ff ff} [NOTES]. */
    record Brightness(int level) implements Setting {
        public Brightness {
            percent("brightness", level);
        }

        public int opcode() {
            return InnerFrame.OP_LIGHT;
        }

        public byte[] parameters() {
            return new byte[] {1, (byte) level, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        }

        public String describe() {
            return "brightness " + level;
        }
    }

    /** Colour temperature 0 (warm) .. 100 (cool): {@code f0 11 02 01 ff}, temp, {@code 00 00 00} [NOTES]. */
    record ColorTemp(int temp) implements Setting {
        public ColorTemp {
            percent("colour temperature", temp);
        }

        public int opcode() {
            return InnerFrame.OP_LIGHT;
        }

        public byte[] parameters() {
            return new byte[] {1, (byte) 0xFF, (byte) temp, 0, 0, 0};
        }

        public String describe() {
            return "colour temperature " + temp;
        }
    }

    /** An RGB colour: {@code f0 11 02 01 ff fe}, R, G, B [NOTES]. */
    record Rgb(int red, int green, int blue) implements Setting {
        public Rgb {
            channel("red", red);
            channel("green", green);
            channel("blue", blue);
        }

        public int opcode() {
            return InnerFrame.OP_LIGHT;
        }

        public byte[] parameters() {
            return new byte[] {1, (byte) 0xFF, (byte) 0xFE, (byte) red, (byte) green, (byte) blue};
        }

        public String describe() {
            return String.format("rgb %d %d %d", red, green, blue);
        }
    }

    private static void percent(String what, int v) {
        if (v < 0 || v > 100) {
            throw new IllegalArgumentException(what + " must be 0..100, got " + v);
        }
    }

    private static void channel(String what, int v) {
        if (v < 0 || v > 255) {
            throw new IllegalArgumentException(what + " must be 0..255, got " + v);
        }
    }

    /** The setting that parameters {@code p} (after {@code opcode 11 02}) encode, or null. */
    static Setting parse(int opcode, byte[] p, int from) {
        int n = p.length - from;
        if (opcode == InnerFrame.OP_POWER && n == 3 && (p[from] & 0xFF) <= 1) {
            return new Power(p[from] == 1);
        }
        if (opcode != InnerFrame.OP_LIGHT || n != 6 || p[from] != 1) {
            return null;
        }
        int a = p[from + 1] & 0xFF;
        int b = p[from + 2] & 0xFF;
        if (a <= 100 && b == 0xFF) {
            return new Brightness(a);
        }
        if (a == 0xFF && b == 0xFE) {
            return new Rgb(p[from + 3] & 0xFF, p[from + 4] & 0xFF, p[from + 5] & 0xFF);
        }
        if (a == 0xFF && b <= 100) {
            return new ColorTemp(b);
        }
        return null;
    }
}
