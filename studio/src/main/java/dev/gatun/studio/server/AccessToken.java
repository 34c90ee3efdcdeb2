package dev.gatun.studio.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret every request to Studio must carry: 32 random bytes, base64url without padding.
 *
 * @param value the token's text
 */
public record AccessToken(String value) {
    /**
     * Checks the token's text.
     *
     * @throws IllegalArgumentException when {@code value} is shorter than 16 characters
     */
    public AccessToken {
        if (value == null || value.length() < 16) {
            throw new IllegalArgumentException("an access token needs at least 16 characters");
        }
    }

    /** {@return a new token from a strong random source} */
    public static AccessToken random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new AccessToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /**
     * Whether {@code candidate} is this token, in time that does not depend on where they differ.
     *
     * @param candidate what a request carried, or null
     * @return whether it matches
     */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "AccessToken[hidden]";
    }
}
