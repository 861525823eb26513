package dev.cync.canary.flags;

import dev.cync.canary.support.Percentages;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parsing and checking of flag values, with messages that name the setting and what is allowed.
 * Percentages are held as integer basis points (0.01% steps), so 0.5% is exactly 50 and no float
 * ever decides a device's side.
 */
public final class FlagValues {

    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}");
    private static final Pattern HEX_ID = Pattern.compile("[0-9A-Fa-f]{8}");

    private FlagValues() {}

    /** "25", "0.5", "12.34" -> basis points; anything else (150, -1, NaN, "abc", 0.001) is refused. */
    public static int parsePercentage(String name, String text) {
        String t = text == null ? "" : text.trim();
        BigDecimal v;
        try {
            v = new BigDecimal(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be a number from 0 to 100 (up to 2 decimals), got '" + text + "'");
        }
        if (v.signum() < 0 || v.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new IllegalArgumentException(
                    name + " must be a number from 0 to 100 (up to 2 decimals), got '" + text + "'");
        }
        BigDecimal bp = v.movePointRight(2);
        if (bp.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(name + " has at most 2 decimals (0.01% steps), got '" + text + "'");
        }
        return bp.intValueExact();
    }

    /** A JSON number as a percentage: the same rules as {@link #parsePercentage}. */
    public static int percentage(String name, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    name + " must be a number from 0 to 100 (up to 2 decimals), got " + value);
        }
        return parsePercentage(name, BigDecimal.valueOf(value).toPlainString());
    }

    public static boolean parseBoolean(String name, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + text + "'");
        };
    }

    /** A comma-separated list of device ids; blanks ignored, duplicates dropped. */
    public static List<String> parseIds(String name, String text) {
        List<String> ids = new ArrayList<>();
        if (text == null) {
            return ids;
        }
        for (String part : text.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                ids.add(deviceId(name, p));
            }
        }
        return new ArrayList<>(new LinkedHashSet<>(ids));
    }

    /** A device id as routing sees it: 8 hex digits are lower-cased (the form devices report). */
    public static String deviceId(String name, String id) {
        String t = id == null ? "" : id.trim();
        if (!DEVICE_ID.matcher(t).matches()) {
            throw new IllegalArgumentException(
                    name + ": '" + id + "' is not a device id (letters, digits, _ . : -; at most 64)");
        }
        return HEX_ID.matcher(t).matches() ? t.toLowerCase(Locale.ROOT) : t;
    }

    static void checkBasisPoints(String name, int bp) {
        if (bp < 0 || bp > 10_000) {
            throw new IllegalArgumentException(
                    name + " must be from 0 to 100%, got " + Percentages.fromBasisPoints(bp) + "%");
        }
    }

    public static void checkSalt(String name, String salt) {
        if (salt == null || salt.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty: it decides which devices are on the canary");
        }
        if (salt.length() > 128) {
            throw new IllegalArgumentException(name + " must be at most 128 characters, got " + salt.length());
        }
    }
}
