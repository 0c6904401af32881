package io.recaption.web;

import static io.recaption.web.ApiClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.worker.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Bearer JWTs as an OIDC provider issues them, signed in the test with the test key pair
 * ({@code src/test/resources/jwt}): a valid token's subject owns its jobs; an expired token, another issuer's, one
 * signed with another key, an unsigned one and a subject that cannot name an owner are all 401.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(WebJwtTest.Jwt.class)
class WebJwtTest {

    static final String ISSUER = "https://issuer.recaption.test";

    /** The web test profile (worker included), closed, accepting the test issuer's JWTs and nothing else. */
    public static class Jwt extends WebTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("recaption.web.auth.anonymous", "false");
            config.put("recaption.web.auth.jwt", "true");
            config.put("mp.jwt.verify.publickey.location", "jwt/public.pem");
            config.put("mp.jwt.verify.issuer", ISSUER);
            return config;
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void aVerifiedTokensSubjectOwnsItsJobs() throws Exception {
        ApiClient alice = client(token(testKey(), claims -> claims.setSubject("alice@example.com")));
        ApiClient bob = client(token(testKey(), claims -> claims.setSubject("bob")));
        String key = WebApiFlowTest.upload(alice, TestImages.photo()).path("key").asText();
        assertTrue(key.startsWith("uploads/alice@example.com/"), key);
        ObjectNode request = ApiClient.JSON.createObjectNode().put("caption", "a cat on a mat");
        request.putObject("image").put("key", key);
        request.putObject("options").put("steps", 5);
        String id = json(alice.postJson("/api/inversions", request), 202).path("inversionId").asText();
        assertEquals("succeeded", alice.await("/api/inversions/" + id, ApiClient.finished(), WebApiFlowTest.TIMEOUT)
                .path("status").path("state").asText());
        assertEquals("INVERSION_NOT_FOUND", json(bob.get("/api/inversions/" + id), 404).path("code").asText(),
                "another subject's job");
    }

    @Test
    void tokensThatDoNotVerifyAreRefused() throws Exception {
        PrivateKey other = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        Map<String, String> refused = Map.of(
                "expired", token(testKey(), claims -> claims.setExpirationTime(NumericDate.fromSeconds(
                        NumericDate.now().getValue() - 600))),
                "another issuer", token(testKey(), claims -> claims.setIssuer("https://elsewhere.test")),
                "another key", token(other, claims -> {}),
                "unsigned", unsigned(),
                "a subject that cannot be an owner", token(testKey(), claims -> claims.setSubject("../etc")),
                "not a JWT", "just-a-string");
        refused.forEach((what, token) -> assertEquals(401, client(token).get("/api/settings").statusCode(), what));
        assertEquals(200, client(token(testKey(), claims -> {})).get("/api/settings").statusCode(), "a valid one passes");
    }

    private ApiClient client(String token) {
        try {
            return new ApiClient(base.toURI(), Map.of("Authorization", "Bearer " + token));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token of the test issuer for {@code carol}, valid for five minutes, changed by {@code change}. */
    private static String token(PrivateKey key, Consumer<JwtClaims> change) throws JoseException {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setSubject("carol");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        change.accept(claims);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    /** The same claims with {@code alg: none} and no signature. */
    private static String unsigned() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = NumericDate.now().getValue();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"iss\":\"" + ISSUER + "\",\"sub\":\"carol\",\"iat\":" + now + ",\"exp\":"
                + (now + 300) + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }

    private static PrivateKey testKey() throws Exception {
        try (InputStream pem = WebJwtTest.class.getResourceAsStream("/jwt/private.pem")) {
            if (pem == null) {
                throw new IOException("no /jwt/private.pem on the test class path");
            }
            String base64 = new String(pem.readAllBytes(), StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(base64)));
        }
    }
}
