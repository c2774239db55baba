import { ErrorBody } from '@cardwarden/contract';

/** Error responses every authenticated route may give, for the OpenAPI document. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  423: ErrorBody,
  429: ErrorBody,
  503: ErrorBody,
} as const;

export const bearer = [{ bearerAuth: [] }];
