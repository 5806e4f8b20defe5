import { describe, expect, it } from 'vitest';
import { LoreError } from '../../core/errors.js';
import { readChatCompletion } from './chat-completion.request.js';

function paramOf(body: unknown): unknown {
  try {
    readChatCompletion(body);
  } catch (error) {
    if (LoreError.is(error)) return error.details.param;
    throw error;
  }
  return 'no error';
}

describe('readChatCompletion', () => {
  it('takes the last user message as the question and text parts as text', () => {
    const input = readChatCompletion({
      model: 'lore',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'First?' }] },
        { role: 'assistant', content: null, tool_calls: [] },
        { role: 'tool', content: 'ignored', tool_call_id: 'x' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Second' },
            { type: 'text', text: 'part?' },
          ],
        },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
    });
    expect(input).toEqual({
      model: 'lore',
      question: 'Second\npart?',
      history: [
        { role: 'user', content: expect.stringMatching(/^Context from my chat application.*\nBe brief\.$/s) },
        { role: 'user', content: 'First?' },
      ],
      stream: true,
      includeUsage: true,
    });
  });

  it('names the offending field', () => {
    expect(paramOf({ messages: [{ role: 'user', content: 'q' }] })).toBe('model');
    expect(paramOf({ model: 'lore', messages: [] })).toBe('messages');
    expect(paramOf({ model: 'lore', messages: [{ role: 'assistant', content: 'a' }] })).toBe(
      'messages[0].role',
    );
    expect(paramOf({ model: 'lore', messages: [{ role: 'user', content: '  ' }] })).toBe(
      'messages[0].content',
    );
    expect(
      paramOf({
        model: 'lore',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }],
      }),
    ).toBe('messages[0].content[0]');
    expect(paramOf({ model: 'lore', messages: [{ role: 'user', content: 'q' }], n: 2 })).toBe('n');
  });
});
