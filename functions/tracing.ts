/**
 * X-Ray tracing of the AWS SDK calls the Lambdas make (Powertools Tracer; the functions have active
 * tracing). Only the Lambda entry points wrap their clients: the engine, which the CLI runs too,
 * knows nothing of it. Outside Lambda the tracer is off and the clients are returned as they are.
 * The service name comes from `POWERTOOLS_SERVICE_NAME`, set per function by the CDK app.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';

const tracer = new Tracer();

/** `client`, with every command it sends recorded as a subsegment of the invocation's trace. */
export function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}
