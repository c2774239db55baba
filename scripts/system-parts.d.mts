export interface SystemPart {
  id: string;
  what: string;
  env?: string;
  commands: string[];
  files: string[];
  install: string;
}
export const SYSTEM_PARTS: SystemPart[];
export function presentParts(): string[];
