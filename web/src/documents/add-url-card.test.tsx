import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AddUrlCard, urlSourceBody } from './add-url-card.js';

afterEach(cleanup);

const form = { url: '', collectionId: 'c1', crawl: false, depth: '2', maxPages: '50', intervalMinutes: '' };

describe('urlSourceBody', () => {
  it('builds one page, a crawl and a schedule; refuses what the API would refuse', () => {
    expect(urlSourceBody({ ...form, url: 'https://example.com/docs' })).toEqual({
      body: { url: 'https://example.com/docs', collectionId: 'c1', intervalMinutes: 0 },
    });
    expect(
      urlSourceBody({
        ...form,
        url: 'https://example.com/',
        crawl: true,
        depth: '3',
        maxPages: '20',
        intervalMinutes: '60',
      }),
    ).toEqual({
      body: {
        url: 'https://example.com/',
        collectionId: 'c1',
        crawl: { depth: 3, maxPages: 20 },
        intervalMinutes: 60,
      },
    });
    expect(urlSourceBody({ ...form, url: 'example.com' })).toEqual({
      problem: 'Enter a full URL (https://…)',
    });
    expect(urlSourceBody({ ...form, url: 'ftp://example.com/' })).toEqual({
      problem: 'Only http and https URLs',
    });
    expect(urlSourceBody({ ...form, url: 'https://a.example/', crawl: true, depth: '9' })).toEqual({
      problem: 'Depth is 1 to 5',
    });
    expect(urlSourceBody({ ...form, url: 'https://a.example/', intervalMinutes: '2' })).toMatchObject({
      problem: expect.stringContaining('5 minutes'),
    });
    expect(urlSourceBody({ ...form, url: 'https://a.example/', collectionId: '' })).toEqual({
      problem: 'Choose a collection',
    });
  });
});

describe('AddUrlCard', () => {
  it('enables Add only for a valid URL and shows crawl limits when crawling', () => {
    render(<AddUrlCard collections={[{ id: 'c1', name: 'handbook' }]} onAdded={() => undefined} />);
    const add = screen.getByRole('button', { name: 'Add' }) as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Page or site URL'), { target: { value: 'not a url' } });
    expect(screen.getByText('Enter a full URL (https://…)')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Page or site URL'), {
      target: { value: 'https://example.com/' },
    });
    expect(add.disabled).toBe(false);
    expect(screen.queryByLabelText('Depth')).toBeNull();
    fireEvent.click(screen.getByLabelText('Crawl linked pages'));
    expect((screen.getByLabelText('Depth') as HTMLInputElement).value).toBe('2');
    expect((screen.getByLabelText('Max pages') as HTMLInputElement).value).toBe('50');
  });
});
