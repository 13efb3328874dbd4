/**
 * The step most web tests take: the contact teacher records the contact with the guardians
 * (`guardians.contacted`) through its generated form, event and contact-log fields together.
 */
export const CONTACT = 'guardians.contacted';

const today = () => new Date().toISOString().slice(0, 10);

/** A complete contact-log form for guardians.contacted, with `over` replacing or adding fields. */
export const contactForm = (over: Record<string, string> = {}): Record<string, string> => ({
  'hendelse.channel': 'phone',
  'hendelse.cause': 'school-related',
  'dokument.conversationDate': today(),
  'dokument.channel': 'phone',
  'dokument.summary': 'Samtale med mor om fraværet.',
  'dokument.agreed': 'Eleven kommer i morgen.',
  'dokument.nextStep': 'Elevsamtale.',
  ...over,
});
