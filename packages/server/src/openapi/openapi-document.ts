/** The OpenAPI document, built from the route schemas without a database (for docs generation). */
import type { OpenAPIV3 } from 'openapi-types';
import { buildApp } from '../app.js';
import type { ServiceContext } from '../services/context.js';

export type OpenApiDocument = OpenAPIV3.Document;

export async function buildOpenApiDocument(): Promise<OpenApiDocument> {
  // Routes touch the context only when they handle a request; none is handled here.
  const app = await buildApp({} as ServiceContext, { logger: false, trustProxy: false });
  await app.ready();
  // Without the `yaml` option, swagger() returns the document object.
  const document = app.swagger() as OpenApiDocument;
  await app.close();
  return document;
}
