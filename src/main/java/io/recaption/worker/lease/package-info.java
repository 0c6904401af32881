/**
 * Leases: who runs a job ({@code lease.json}, the record {@link io.recaption.worker.lease.Lease}), claimed and
 * renewed by conditional writes so that two workers never run one job at once, with start counts for poison.
 * Uses the store.
 */
package io.recaption.worker.lease;
