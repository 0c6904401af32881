/**
 * The caption editor ({@code web} command): the page under {@code META-INF/resources} and its HTTP API under
 * {@code /api}. It publishes requests to the worker's request topics and reads statuses, manifests and images
 * from S3 by id; it loads no model and consumes nothing. It reuses the worker's configuration, store, reader and
 * validator, so that it refuses exactly what a worker would refuse, with the same codes.
 */
package io.recaption.web;
