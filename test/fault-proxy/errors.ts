// DynamoDB's JSON 1.0 error responses, as the AWS SDK parses them (the name is what follows `#`).
export interface AwsErrorResponse {
  status: number;
  body: string;
}

export function awsError(name: string, message: string, status = 400): AwsErrorResponse {
  return { status, body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${name}`, message }) };
}

/** Real DynamoDB's messages for the faults the proxy injects. */
export const DEFAULT_MESSAGES: Record<string, string> = {
  ThrottlingException: 'Rate of requests exceeds the allowed throughput.',
  LimitExceededException:
    'Subscriber limit exceeded: Only 10 tables can be created, updated, or deleted simultaneously',
  ResourceInUseException: 'Attempt to change a resource which is still in use',
  InternalServerError: 'Internal server error',
  ValidationException: 'One or more parameter values were invalid',
};
