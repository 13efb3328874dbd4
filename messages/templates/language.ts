/** Which template language a person reads. */
import type { TemplateLanguage } from './types';

type WrittenStandard = 'bokmal' | 'nynorsk';

const norwegian = (standard: WrittenStandard): TemplateLanguage => (standard === 'nynorsk' ? 'nn' : 'nb');

/**
 * Which template language a person reads: 'en' when their language is English; otherwise Norwegian
 * in their written standard when they have one (guardians), else the municipality's standard.
 * A language code of 'nn' without a written standard is read as nynorsk; 'nb' and 'no' only say
 * "Norwegian", so the municipality's standard decides. Languages we have no template for fall back
 * to Norwegian in the municipality's standard (a written standard given beside such a language is
 * usually the import's default, not a choice), and `fallback` tells the caller so.
 */
export function templateLanguageFor(
  person: { language: string; writtenStandard?: WrittenStandard },
  municipalityStandard: WrittenStandard,
): { language: TemplateLanguage; fallback: boolean } {
  const code = person.language.trim().toLowerCase();
  if (code === 'en') return { language: 'en', fallback: false };
  if (code === 'nb' || code === 'nn' || code === 'no') {
    const standard = person.writtenStandard ?? (code === 'nn' ? 'nynorsk' : municipalityStandard);
    return { language: norwegian(standard), fallback: false };
  }
  return { language: norwegian(municipalityStandard), fallback: true };
}
