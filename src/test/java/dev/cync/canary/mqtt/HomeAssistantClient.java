package dev.cync.canary.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Plays Home Assistant in the tests: subscribes to the discovery prefix and the bridge's topics and
 * keeps the last payload of each topic (an empty payload deletes it, as a retained delete does).
 */
public final class HomeAssistantClient implements AutoCloseable {

    private final MqttClient client;
    private final Map<String, String> latest = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, String> onMessage = (t, p) -> {};

    public HomeAssistantClient(String url, String clientId) throws MqttException {
        client = new MqttClient(url, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {}

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
                if (payload.isEmpty()) {
                    latest.remove(topic);
                } else {
                    latest.put(topic, payload);
                }
                onMessage.accept(topic, payload);
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(1000);
        o.setSocketFactory(new NoDelaySockets());
        client.connect(o);
        // QoS 0, as Home Assistant subscribes by default. (At QoS 1 mosquitto queues at most 1,000
        // messages per subscriber, max_queued_messages, and drops the rest of a 1,000-device burst.)
        client.subscribe(new String[] {"homeassistant/#", "cync/#"}, new int[] {0, 0});
    }

    /** Called on each message, on Paho's callback thread. */
    public void onMessage(BiConsumer<String, String> handler) {
        onMessage = handler;
    }

    public String get(String topic) {
        return latest.get(topic);
    }

    public long count(String prefix, String suffix) {
        return latest.keySet().stream()
                .filter(t -> t.startsWith(prefix) && t.endsWith(suffix))
                .count();
    }

    public void publish(String topic, String payload, boolean retained) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, retained);
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect(2000);
        }
        client.close();
    }
}
