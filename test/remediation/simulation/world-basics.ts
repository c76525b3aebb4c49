/** The simulated account and region, and the error every fake service throws: shared by the fakes. */
export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';

export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
