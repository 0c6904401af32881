/**
 * The object store: S3 access for artifacts, statuses and inputs ({@link io.recaption.worker.store.ArtifactStore}:
 * conditional create and replace, bounded downloads), its health and retries
 * ({@link io.recaption.worker.store.StorageHealth}), and the model snapshot copy of the pod's init step. Uses no
 * other room.
 */
package io.recaption.worker.store;
