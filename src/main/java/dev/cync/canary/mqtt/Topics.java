package dev.cync.canary.mqtt;

import java.util.OptionalInt;

/**
 * Every topic of the bridge, from the base topic and Home Assistant's discovery prefix. A mesh
 * device's unique id is {@code cync_<mesh id>}: mesh ids are unique in the state model and stable
 * across reconnects and relays, so Home Assistant keeps its entities when a device moves.
 */
record Topics(String base, String discoveryPrefix, String bridgeId) {

    static Topics of(MqttConfig config) {
        return new Topics(
                config.baseTopic(),
                config.discoveryPrefix(),
                "cync_canary_" + config.clientId().replaceAll("[^A-Za-z0-9_]", "_"));
    }

    static String uniqueId(int meshId) {
        return "cync_" + meshId;
    }

    /** The mesh id of a unique id this bridge made, or empty. */
    static OptionalInt meshId(String uniqueId) {
        if (!uniqueId.matches("cync_[0-9]{1,5}")) {
            return OptionalInt.empty();
        }
        int id = Integer.parseInt(uniqueId.substring(5));
        return id <= 0xFFFF && uniqueId.equals(uniqueId(id)) ? OptionalInt.of(id) : OptionalInt.empty();
    }

    String discovery(BridgedType type, String uniqueId) {
        return discoveryPrefix + "/" + (type.isSwitch() ? "switch" : "light") + "/" + uniqueId + "/config";
    }

    String bridgeDiscovery() {
        return discoveryPrefix + "/binary_sensor/" + bridgeId + "/config";
    }

    /** Home Assistant's birth and last-will topic. */
    String homeAssistantStatus() {
        return discoveryPrefix + "/status";
    }

    String command(String uniqueId) {
        return base + "/set/" + uniqueId;
    }

    String commandPrefix() {
        return base + "/set/";
    }

    String commandFilter() {
        return base + "/set/+";
    }

    String state(String uniqueId) {
        return base + "/status/" + uniqueId;
    }

    String availability(String uniqueId) {
        return base + "/availability/" + uniqueId;
    }

    /** The bridge's own availability: {@code online} while connected, {@code offline} as its last will. */
    String bridgeAvailability() {
        return base + "/bridge/availability";
    }
}
