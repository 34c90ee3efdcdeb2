package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackendRegistryTest {
    @AfterEach
    void restore() {
        BackendRegistry.use("cpu");
    }

    @Test
    void scalarIsAlwaysPresentAndSelectable() {
        assertTrue(BackendRegistry.names().contains("scalar"));
        assertEquals("scalar", BackendRegistry.use("scalar").name());
        assertEquals("scalar", BackendRegistry.current().name());
        assertEquals("cpu", BackendRegistry.use("cpu").name());
    }

    @Test
    void unknownBackendNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendRegistry.use("tpu"));
        assertTrue(e.getMessage().contains("unknown backend 'tpu'") && e.getMessage().contains("scalar"), e.getMessage());
    }
}
