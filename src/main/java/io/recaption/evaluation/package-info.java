/**
 * The quality table of a shapes-world model (issue 6): fresh scenes of {@link io.recaption.shapes}
 * inverted by every method of {@link io.recaption.inversion}, edited by {@link io.recaption.editing},
 * and judged by the world's analytic detectors against the edited scenes' ground truth
 * ({@link io.recaption.evaluation.QualityEvaluation}, {@link io.recaption.evaluation.EditCase},
 * {@link io.recaption.evaluation.EditJudge}); {@link io.recaption.evaluation.QualityReport} writes
 * quality.json, quality.md and the contact sheet. No Quarkus, Kafka or S3.
 */
package io.recaption.evaluation;
