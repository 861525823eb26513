package dev.cync.canary.mqtt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cync.canary.support.Json;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Home Assistant's MQTT conventions: discovery configs ({@code light} with the JSON schema,
 * {@code switch} for plugs and on/off switches), state payloads, and the parsing of command
 * payloads. Pure functions of their arguments; thread-safe.
 */
final class HomeAssistant {

    static final String MANUFACTURER = "Savant (GE Cync)";
    private static final Set<String> LIGHT_KEYS = Set.of("state", "brightness", "color_temp", "color");

    private final ObjectMapper json = Json.mapper();
    private final Topics topics;
    private final String version;

    HomeAssistant(Topics topics, String version) {
        this.topics = topics;
        this.version = version;
    }

    /** The colour modes Home Assistant offers for a light of this type; a device of unknown type is a dimmable light. */
    static List<String> colorModes(BridgedType type) {
        return switch (type) {
            case TUNABLE_WHITE -> List.of("color_temp");
            case RGB -> List.of("color_temp", "rgb");
            case DIMMABLE, UNKNOWN -> List.of("brightness");
            case PLUG, SWITCH -> throw new IllegalArgumentException(type + " is a switch, not a light");
        };
    }

    static String model(BridgedType type) {
        return switch (type) {
            case PLUG -> "Plug";
            case SWITCH -> "On/off switch";
            case DIMMABLE -> "Dimmable light";
            case TUNABLE_WHITE -> "Tunable white light";
            case RGB -> "Full colour light";
            case UNKNOWN -> "Light (type not reported)";
        };
    }

    /** The retained discovery config of one device. */
    String discovery(BridgedDevice d) {
        String id = Topics.uniqueId(d.meshId());
        ObjectNode c = json.createObjectNode();
        c.putNull("name"); // the entity takes the device's name
        c.put("unique_id", id);
        c.put("object_id", id);
        c.put("command_topic", topics.command(id));
        c.put("state_topic", topics.state(id));
        ArrayNode availability = c.putArray("availability");
        availability.addObject().put("topic", topics.bridgeAvailability());
        availability.addObject().put("topic", topics.availability(id));
        c.put("availability_mode", "all");
        if (d.type().isSwitch()) {
            c.put("device_class", d.type() == BridgedType.PLUG ? "outlet" : "switch");
            c.put("payload_on", "ON");
            c.put("payload_off", "OFF");
        } else {
            c.put("schema", "json");
            c.put("brightness", true);
            c.put("brightness_scale", 100);
            List<String> modes = colorModes(d.type());
            ArrayNode m = c.putArray("supported_color_modes");
            modes.forEach(m::add);
            if (modes.contains("color_temp")) {
                c.put("color_temp_kelvin", true);
                c.put("min_kelvin", ColorTemp.MIN_KELVIN);
                c.put("max_kelvin", ColorTemp.MAX_KELVIN);
            }
        }
        ObjectNode dev = c.putObject("device");
        dev.putArray("identifiers").add(id);
        dev.put("name", "Cync " + model(d.type()).toLowerCase(Locale.ROOT) + " " + d.meshId());
        dev.put("manufacturer", MANUFACTURER);
        dev.put("model", model(d.type()));
        if (d.firmware() != null) {
            dev.put("sw_version", d.firmware());
        }
        dev.put("via_device", topics.bridgeId());
        c.putObject("origin").put("name", "cync-canary").put("sw_version", version);
        return write(c);
    }

    /** The bridge itself: a connectivity sensor, so Home Assistant has the device that every via_device names. */
    String bridgeDiscovery() {
        ObjectNode c = json.createObjectNode();
        c.put("name", "Broker connection");
        c.put("unique_id", topics.bridgeId() + "_connection");
        c.put("device_class", "connectivity");
        c.put("state_topic", topics.bridgeAvailability());
        c.put("payload_on", "online");
        c.put("payload_off", "offline");
        ObjectNode dev = c.putObject("device");
        dev.putArray("identifiers").add(topics.bridgeId());
        dev.put("name", "cync-canary bridge");
        dev.put("manufacturer", "cync-canary");
        dev.put("model", "Cync controller");
        dev.put("sw_version", version);
        c.putObject("origin").put("name", "cync-canary").put("sw_version", version);
        return write(c);
    }

    /** The state as the device reported it: {@code ON}/{@code OFF} for a switch, JSON for a light. */
    String state(BridgedDevice d) {
        if (d.type().isSwitch()) {
            return d.on() ? "ON" : "OFF";
        }
        ObjectNode s = json.createObjectNode();
        s.put("state", d.on() ? "ON" : "OFF");
        s.put("brightness", Math.max(0, Math.min(100, d.brightness())));
        switch (d.type()) {
            case RGB -> {
                if (d.rgbMode()) {
                    s.put("color_mode", "rgb");
                    s.putObject("color").put("r", d.red()).put("g", d.green()).put("b", d.blue());
                } else {
                    s.put("color_mode", "color_temp");
                    s.put("color_temp", ColorTemp.toKelvin(d.colorTemp()));
                }
            }
            case TUNABLE_WHITE -> {
                s.put("color_mode", "color_temp");
                s.put("color_temp", ColorTemp.toKelvin(d.colorTemp()));
            }
            default -> s.put("color_mode", "brightness");
        }
        return write(s);
    }

    static String availability(BridgedDevice d) {
        return d.online() ? "online" : "offline";
    }

    /**
     * Parses a command payload for this device.
     *
     * @throws IllegalArgumentException with a one-line reason when the payload is not a valid command for it
     */
    Command parse(BridgedDevice d, byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8).trim();
        if (d.type().isSwitch()) {
            return switch (text) {
                case "ON" -> new Command(true, null, null, null);
                case "OFF" -> new Command(false, null, null, null);
                default -> throw new IllegalArgumentException("a switch takes ON or OFF, got '" + shorten(text) + "'");
            };
        }
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: '" + shorten(text) + "'", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("a light takes a JSON object, got '" + shorten(text) + "'");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!LIGHT_KEYS.contains(k)) {
                throw new IllegalArgumentException(
                        "unknown key '" + shorten(k) + "' (known: state, brightness, color_temp, color)");
            }
        }
        Boolean on = null;
        JsonNode state = root.get("state");
        if (state != null) {
            if (!state.isTextual()
                    || !(state.asText().equals("ON") || state.asText().equals("OFF"))) {
                throw new IllegalArgumentException("state must be \"ON\" or \"OFF\", got " + shorten(state.toString()));
            }
            on = state.asText().equals("ON");
        }
        Integer brightness = root.has("brightness") ? whole(root.get("brightness"), "brightness", 0, 100) : null;
        Integer kelvin = null;
        if (root.has("color_temp")) {
            if (!colorModesOf(d).contains("color_temp")) {
                throw new IllegalArgumentException(
                        "this " + model(d.type()).toLowerCase(Locale.ROOT) + " has no colour temperature");
            }
            kelvin = whole(root.get("color_temp"), "color_temp", ColorTemp.MIN_KELVIN, ColorTemp.MAX_KELVIN);
        }
        int[] rgb = null;
        JsonNode color = root.get("color");
        if (color != null) {
            if (!colorModesOf(d).contains("rgb")) {
                throw new IllegalArgumentException(
                        "this " + model(d.type()).toLowerCase(Locale.ROOT) + " has no RGB colour");
            }
            if (!color.isObject() || color.size() != 3 || !color.has("r") || !color.has("g") || !color.has("b")) {
                throw new IllegalArgumentException(
                        "color must be {\"r\":..,\"g\":..,\"b\":..}, got " + shorten(color.toString()));
            }
            rgb = new int[] {
                whole(color.get("r"), "color.r", 0, 255),
                whole(color.get("g"), "color.g", 0, 255),
                whole(color.get("b"), "color.b", 0, 255)
            };
        }
        if (kelvin != null && rgb != null) {
            throw new IllegalArgumentException("color_temp and color together: send one");
        }
        if (on == null && brightness == null && kelvin == null && rgb == null) {
            throw new IllegalArgumentException("nothing to do: give state, brightness, color_temp or color");
        }
        if (Boolean.FALSE.equals(on) && (brightness != null || kelvin != null || rgb != null)) {
            throw new IllegalArgumentException("state OFF with brightness or colour: send one or the other");
        }
        return new Command(on, brightness, kelvin == null ? null : ColorTemp.toDevice(kelvin), rgb);
    }

    private static List<String> colorModesOf(BridgedDevice d) {
        return colorModes(d.type());
    }

    private static int whole(JsonNode v, String name, int min, int max) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", got "
                    + (v == null ? "nothing" : shorten(v.toString())));
        }
        return v.intValue();
    }

    private static String shorten(String s) {
        String oneLine = s.replaceAll("[\\r\\n\\t]", " ");
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 60) + "...";
    }

    private String write(ObjectNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e); // an ObjectNode always serialises
        }
    }

    /**
     * A valid command, in the device's units.
     *
     * @param on null: leave the power as it is
     * @param colorTemp device scale 0..100, or null
     * @param rgb three values 0..255, or null
     */
    record Command(Boolean on, Integer brightness, Integer colorTemp, int[] rgb) {}
}
