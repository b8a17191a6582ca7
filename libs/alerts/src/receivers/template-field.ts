// Templating is optional: every field has a built-in default, and a configured value is used
// as is unless it contains `{{`, which needs the Go-template engine. A template without an
// engine is a config error at load time, not a surprise at 3 a.m.

import { custom, text, type Place, type Reading, type Schema } from '@metrics-hub/config';
import type { TemplateRenderer } from '../model.ts';
import { DeliveryError } from './errors.ts';
import type { TemplateData } from './template-data.ts';

/** A configured text field: renders against the template data of one notification. */
export type TextField = (data: TemplateData) => string;

/** A text field of receiver `kind`, compiled for `render`. */
export function templateText(kind: string, render: TemplateRenderer | undefined): Schema<TextField> {
  return custom((place, reading) => {
    const source = text.read(place, reading);
    return source === undefined ? undefined : compileTextField(kind, place, source, render, reading);
  });
}

/** `source` as a TextField; undefined (reported) when it is a template and there is no engine. */
export function compileTextField(
  kind: string,
  place: Place,
  source: string,
  render: TemplateRenderer | undefined,
  reading: Reading,
): TextField | undefined {
  if (!source.includes('{{')) return () => source;
  if (!render) {
    reading.report(place, `${place.label} is a template ({{ ... }}) but no template renderer was given to createIntegration`);
    return undefined;
  }
  const field = place.label;
  return (data) => {
    try {
      return render(source, data);
    } catch (err) {
      throw new DeliveryError(kind, 'template', `template ${field} failed: ${(err as Error).message ?? String(err)}`, {
        retryable: false,
        cause: err,
      });
    }
  };
}
