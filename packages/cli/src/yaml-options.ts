// YAML we write is read by kubectl, which speaks YAML 1.1: there an unquoted N, y, on or off is a
// boolean. Writing as 1.1 quotes such strings ("N"), so that an enum [S, N, B] stays three strings.
import type { ToStringOptions } from 'yaml';

export const YAML_OPTIONS: ToStringOptions & { version: '1.1' } = { lineWidth: 0, version: '1.1' };
