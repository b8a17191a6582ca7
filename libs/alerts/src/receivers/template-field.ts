// Templating is optional: every field has a built-in default, and a configured value is used
// as is unless it contains `{{`, which needs the Go-template engine. A template without an
// engine is a config error at load time, not a surprise at 3 a.m.

import type { TemplateRenderer } from '../model.ts';
import type { ConfigReader } from './config-reader.ts';
import { DeliveryError } from './errors.ts';
import type { TemplateData } from './template-data.ts';

/** A configured text field: renders against the template data of one notification. */
export type TextField = (data: TemplateData) => string;

export function readTextField(reader: ConfigReader, key: string, render: TemplateRenderer | undefined): TextField | undefined {
  const source = reader.string(key);
  if (source === undefined) return undefined;
  return compileTextField(reader, key, source, render);
}

export function compileTextField(reader: ConfigReader, key: string, source: string, render: TemplateRenderer | undefined): TextField {
  if (!source.includes('{{')) return () => source;
  if (!render) reader.fail(key, 'is a template ({{ ... }}) but no template renderer was given to createIntegration');
  const field = reader.path(key);
  return (data) => {
    try {
      return render(source, data);
    } catch (err) {
      throw new DeliveryError(reader.kind, 'template', `template ${field} failed: ${(err as Error).message ?? String(err)}`, {
        retryable: false,
        cause: err,
      });
    }
  };
}
