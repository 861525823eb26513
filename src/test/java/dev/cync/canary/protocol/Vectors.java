package dev.cync.canary.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The hand-written packet vectors of {@code src/test/resources/vectors/packets.txt}. */
final class Vectors {

    private static final Map<String, byte[]> ALL = load();

    private Vectors() {}

    static byte[] get(String name) {
        byte[] b = ALL.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no vector named " + name);
        }
        return b.clone();
    }

    static Map<String, byte[]> all() {
        return ALL;
    }

    private static Map<String, byte[]> load() {
        Map<String, byte[]> vectors = new LinkedHashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(Vectors.class.getResourceAsStream("/vectors/packets.txt")),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                vectors.put(
                        line.substring(0, colon).trim(),
                        Bytes.fromHex(line.substring(colon + 1)).toArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return vectors;
    }
}
