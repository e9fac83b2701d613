/**
 * The compliance rule packs every synth runs: cdk-nag AwsSolutions and HIPAA Security. A finding
 * that is not acknowledged next to the resource it concerns (with a specific reason) fails synth.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';

export function applyCompliancePacks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
}
