package io.recaption.web;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.RequestScoped;
import io.vertx.ext.web.RoutingContext;

/**
 * Who is calling: the owner {@link WebAccess} authenticated for this request (the basic user's name, the shared
 * token's {@code recaption.web.auth.token-owner}, or {@code anonymous} on an editor started open). Every job the
 * editor accepts records it, and the API serves a job to its owner only.
 */
@RequestScoped
public class Caller {

    /** Where {@link WebAccess} leaves the owner on the request's routing context. */
    static final String OWNER = "recaption.owner";

    private final CurrentVertxRequest request;

    public Caller(CurrentVertxRequest request) {
        this.request = request;
    }

    public String owner() {
        RoutingContext current = request.getCurrent();
        String owner = current == null ? null : current.get(OWNER);
        if (owner == null) {
            // the filter runs ahead of every /api route; a request here without an owner is a wiring fault, refused
            throw new IllegalStateException("no authenticated caller on this request");
        }
        return owner;
    }
}
