package io.recaption.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.RequestReader;
import io.recaption.worker.RecaptionConfig;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The editor's front door, a Vert.x filter ahead of the page and every endpoint: outside the {@code web} profile the
 * page and /api do not exist (404); inside it, the shared token, a verified JWT or basic authentication
 * ({@code recaption.web.auth.*}, required unless the editor is started anonymous; health probes stay open), which
 * names the caller ({@link Caller}), security headers (same-origin scripts, styles and images only, no framing, no
 * sniffing, no referrer), uploads larger than the worker accepts refused from their Content-Length before any byte
 * is read, and at most {@code recaption.web.max-concurrent-uploads} uploads at once. CORS stays Quarkus's default: off.
 */
@ApplicationScoped
public class WebAccess {

    static final String API = "/api";
    /** The owner of everything done on an editor started without credentials. */
    static final String ANONYMOUS = "anonymous";
    static final String UPLOADS = API + "/uploads";
    /** Runs before Quarkus REST and the static resources. */
    private static final int PRIORITY = 100;
    private static final String CSP = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self';"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final WebConfig config;
    private final RecaptionConfig worker;
    private final ObjectMapper json;
    private final JWTParser jwts;
    /** Uploads received right now. */
    private final AtomicInteger uploads = new AtomicInteger();

    public WebAccess(WebConfig config, RecaptionConfig worker, ObjectMapper json, JWTParser jwts) {
        this.config = config;
        this.worker = worker;
        this.json = json;
        this.jwts = jwts;
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    /** The editor does not come up open by mistake: without credentials (or with a half-set user) it refuses to start. */
    void checkAtStart(@Observes StartupEvent start) {
        if (config.enabled()) {
            Config settings = ConfigProvider.getConfig();
            boolean keys = settings.getOptionalValue("mp.jwt.verify.publickey.location", String.class).isPresent()
                    || settings.getOptionalValue("mp.jwt.verify.publickey", String.class).isPresent();
            boolean issuer = settings.getOptionalValue("mp.jwt.verify.issuer", String.class).isPresent();
            refusal(config.auth(), keys && issuer).ifPresent(why -> {
                throw new IllegalStateException(why);
            });
        }
    }

    /**
     * Why {@code auth} cannot guard an editor, or empty when it can (README, "Security"); {@code jwtVerifiable}: the
     * issuer's keys and name are configured.
     */
    static Optional<String> refusal(WebConfig.Auth auth, boolean jwtVerifiable) {
        if (auth.jwt() && !jwtVerifiable) {
            return Optional.of("recaption.web.auth.jwt needs the issuer's keys (mp.jwt.verify.publickey.location) and"
                    + " its name (mp.jwt.verify.issuer)");
        }
        boolean token = auth.token().filter(t -> !t.isBlank()).isPresent() || auth.jwt();
        boolean user = auth.username().filter(u -> !u.isBlank()).isPresent();
        boolean password = auth.password().filter(p -> !p.isEmpty()).isPresent();
        if (user && !password) {
            return Optional.of("recaption.web.auth.username is set without a password: set recaption.web.auth.password");
        }
        if (!user && password) {
            return Optional.of("recaption.web.auth.password is set without a user name: set recaption.web.auth.username");
        }
        if (user && !RequestReader.isSafeOwner(auth.username().get())) {
            return Optional.of("recaption.web.auth.username names the owner of the user's jobs: 1-128 characters of"
                    + " [A-Za-z0-9._@+-] starting with a letter or digit");
        }
        if (token && !RequestReader.isSafeOwner(auth.tokenOwner())) {
            return Optional.of("recaption.web.auth.token-owner must be 1-128 characters of [A-Za-z0-9._@+-] starting"
                    + " with a letter or digit");
        }
        if (!token && !user && !auth.anonymous()) {
            return Optional.of("the caption editor has no credentials: set recaption.web.auth.token, or "
                    + "recaption.web.auth.username and recaption.web.auth.password (or recaption.web.auth.anonymous=true "
                    + "for an editor only you can reach)");
        }
        return Optional.empty();
    }

    /** The page, its assets and the API: what the web profile adds to the application. */
    static boolean isWebPath(String path) {
        return path.equals("/") || path.equals("/index.html") || path.startsWith("/assets/") || path.equals(API)
                || path.startsWith(API + "/");
    }

    private void filter(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        boolean web = isWebPath(path);
        if (!config.enabled()) {
            if (web) {
                refuse(ctx, 404, WebCode.NOT_FOUND.name(), "the caption editor runs with the `web` command, not here");
            } else {
                ctx.next();
            }
            return;
        }
        if (web) {
            ctx.response().putHeader("Content-Security-Policy", CSP)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer")
                    .putHeader("X-Frame-Options", "DENY");
        }
        Optional<String> caller = caller(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (caller.isPresent()) {
            ctx.put(Caller.OWNER, caller.get());
        }
        if (!path.startsWith("/q/health") && caller.isEmpty()) {
            if (config.auth().username().isPresent()) {
                ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"recaption\", charset=\"UTF-8\"");
            } else {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"recaption\"");
            }
            refuse(ctx, 401, WebCode.UNAUTHORIZED.name(), "this editor asks for credentials (recaption.web.auth)");
            return;
        }
        if (ctx.request().method() == HttpMethod.POST && path.equals(UPLOADS)) {
            long max = worker.limits().maxImageBytes();
            Optional<Long> length = contentLength(ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH));
            if (length.isPresent() && length.get() > max) {
                refuse(ctx, 413, ErrorCode.IMAGE_TOO_LARGE.name(),
                        "the upload has " + length.get() + " bytes, at most " + max + " are accepted");
                return;
            }
            // counted from its headers to its answer (or its connection's end): a slow upload holds its slot
            if (uploads.incrementAndGet() > config.maxConcurrentUploads()) {
                uploads.decrementAndGet();
                ctx.response().putHeader("Retry-After", "5");
                refuse(ctx, 429, WebCode.TOO_MANY_UPLOADS.name(), "the editor takes " + config.maxConcurrentUploads()
                        + " uploads at once; try again in a few seconds");
                return;
            }
            ctx.addEndHandler(ended -> uploads.decrementAndGet());
        }
        ctx.next();
    }

    /**
     * Who the request's credentials say is calling: the bearer token's owner ({@code recaption.web.auth.token-owner})
     * or the basic user; with neither configured, {@code anonymous} on an editor started anonymous (and
     * {@link #checkAtStart} starts no other). Empty when the credentials are missing or wrong.
     */
    Optional<String> caller(String header) {
        WebConfig.Auth auth = config.auth();
        Optional<String> token = auth.token().filter(t -> !t.isBlank());
        Optional<String> user = auth.username().filter(u -> !u.isBlank());
        if (token.isEmpty() && user.isEmpty() && !auth.jwt()) {
            return auth.anonymous() ? Optional.of(ANONYMOUS) : Optional.empty();
        }
        if (header == null) {
            return Optional.empty();
        }
        if ((token.isPresent() || auth.jwt()) && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String given = header.substring(7).strip();
            if (token.isPresent() && constantTimeEquals(given, token.get())) {
                return Optional.of(auth.tokenOwner());
            }
            return auth.jwt() ? jwtSubject(given) : Optional.empty();
        }
        if (user.isPresent() && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String expected = user.get() + ":" + auth.password().orElse("");
            try {
                String given = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
                return constantTimeEquals(given, expected) ? user : Optional.empty();
            } catch (IllegalArgumentException notBase64) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * The subject of a bearer JWT that smallrye-jwt verifies (signature by the issuer's keys, issuer, expiry; an
     * unsigned {@code alg: none} token is refused); empty for any token that does not verify, or whose subject
     * could not name an owner.
     */
    private Optional<String> jwtSubject(String raw) {
        try {
            JsonWebToken verified = jwts.parse(raw);
            String subject = verified.getSubject();
            return RequestReader.isSafeOwner(subject) ? Optional.of(subject) : Optional.empty();
        } catch (ParseException refused) {
            return Optional.empty();
        }
    }

    /** Compares without returning early, so response times do not tell how much of a guess was right. */
    private static boolean constantTimeEquals(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<Long> contentLength(String header) {
        try {
            return header == null ? Optional.empty() : Optional.of(Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void refuse(RoutingContext ctx, int status, String code, String message) {
        String body;
        try {
            body = json.writeValueAsString(new ApiError(code, message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
}
