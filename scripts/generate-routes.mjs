// Writes the files generated from the contract's route table (run through `npm run generate:routes`,
// which builds the contract first): the web portals' endpoint list and the credential provider's header.
import { writeFileSync } from 'node:fs';
import { api } from '../packages/contract/dist/index.js';
import {
  CREDENTIAL_PROVIDER_AREAS,
  renderCppRoutesHeader,
  renderEndpointsModule,
} from '../packages/contract/dist/routes/generate.js';

const root = new URL('../', import.meta.url);
writeFileSync(
  new URL('packages/contract/src/routes/endpoints.generated.ts', root),
  renderEndpointsModule(api),
);
writeFileSync(
  new URL('packages/credential-provider/src/core/api_routes.hpp', root),
  renderCppRoutesHeader(api, CREDENTIAL_PROVIDER_AREAS),
);
