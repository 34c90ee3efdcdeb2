package dev.gatun.studio.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.studio.play.EventJson;
import dev.gatun.studio.server.ApiException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Pages' claims on deep views: open while claimed and renewed, closed when said or when the claim lapses. */
class OpenViewsTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final OpenViews views = new OpenViews(now::get);

    private void apply(String json) {
        views.apply(EventJson.MAPPER.readTree(json));
    }

    private void seconds(int s) {
        now.addAndGet(s * 1_000_000_000L);
    }

    @Test
    void aViewIsOpenWhileSomePageClaimsItAndClosesWhenTheLastLetsGo() {
        assertFalse(views.isOpen("network"));
        apply("{\"page\": \"a\", \"views\": {\"network\": true}}");
        apply("{\"page\": \"b\", \"views\": {\"network\": true}}");
        assertTrue(views.isOpen("network"));
        apply("{\"page\": \"a\", \"views\": {\"network\": false}}");
        assertTrue(views.isOpen("network"));
        apply("{\"page\": \"b\", \"views\": {\"network\": false}}");
        assertFalse(views.isOpen("network"));
    }

    @Test
    void aClaimNotRenewedLapses() {
        apply("{\"page\": \"a\", \"views\": {\"network\": true}}");
        seconds(OpenViews.LEASE_SECONDS - 1);
        assertTrue(views.isOpen("network"));
        apply("{\"page\": \"a\", \"views\": {\"network\": true}}");
        seconds(OpenViews.LEASE_SECONDS - 1);
        assertTrue(views.isOpen("network"), "renewed");
        seconds(2);
        assertFalse(views.isOpen("network"), "a page that went away without a word");
    }

    @Test
    void badClaimsAreRefusedNamingTheField() {
        ApiException view = assertThrows(ApiException.class,
                () -> apply("{\"page\": \"a\", \"views\": {\"netwrok\": true}}"));
        assertEquals(400, view.status());
        assertEquals("views.netwrok: no such view (known: [network])", view.getMessage());
        ApiException page = assertThrows(ApiException.class, () -> apply("{\"page\": \"a b\", \"views\": {}}"));
        assertEquals("page", page.path());
        ApiException value = assertThrows(ApiException.class,
                () -> apply("{\"page\": \"a\", \"views\": {\"network\": 1}}"));
        assertEquals("views.network", value.path());
        assertFalse(views.isOpen("network"));
    }
}
