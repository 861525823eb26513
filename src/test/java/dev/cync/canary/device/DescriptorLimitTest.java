package dev.cync.canary.device;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reproduction 4's second half: maxConnections above the descriptor limit was not mentioned until accepts failed. */
class DescriptorLimitTest {

    @Test
    void aLimitBelowMaxConnectionsSaysWhatToDo() {
        assertThat(DescriptorLimit.advice(20_000, 1024))
                .hasValueSatisfying(m -> assertThat(m)
                        .contains("server.maxConnections is 20000")
                        .contains("only 1024")
                        .contains("ulimit -n 20256")
                        .contains("LimitNOFILE=20256")
                        .contains("lower server.maxConnections to 768"));
        assertThat(DescriptorLimit.advice(20_000, 1_048_576)).isEmpty();
        assertThat(DescriptorLimit.current()).isPresent();
    }
}
