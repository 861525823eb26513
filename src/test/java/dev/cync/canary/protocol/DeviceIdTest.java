package dev.cync.canary.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeviceIdTest {

    @Test
    void textIsEightLowerCaseHexDigitsAndParsesBack() {
        int[] values = {0, 1, 0x2de4b5d2, 0x0000abcd, 0x80000000, 0xffffffff, 0x37962469};
        for (int v : values) {
            DeviceId id = new DeviceId(v);
            assertThat(id.toString()).isEqualTo(String.format("%08x", v)).hasSize(8);
            assertThat(DeviceId.parse(id.toString())).isEqualTo(id);
        }
    }
}
