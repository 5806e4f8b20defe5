import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { NewConnectorForm } from './new-connector-form.js';

afterEach(cleanup);

describe('NewConnectorForm', () => {
  it('shows the fields of the chosen kind, says where credentials come from, and checks before sending', () => {
    render(
      <NewConnectorForm
        collections={[{ id: 'c1', name: 'handbook' }]}
        onCreated={() => undefined}
        onClose={() => undefined}
      />,
    );
    expect(screen.getByLabelText('Bucket')).toBeTruthy();
    expect(screen.getByText(/No keys are stored in Lore/)).toBeTruthy();
    expect(screen.queryByLabelText('Repository')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Create connector' }));
    expect(screen.getByTestId('connector-problem').textContent).toBe('Give the connector a name');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'docs' } });
    fireEvent.change(screen.getByLabelText('Bucket'), { target: { value: 'Not_A_Bucket' } });
    expect(screen.getByTestId('connector-problem').textContent).toContain('bucket name');

    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'git' } });
    expect(screen.queryByLabelText('Bucket')).toBeNull();
    expect(screen.getByText(/No passwords are stored/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Repository'), {
      target: { value: 'https://me:pw@git.example/r.git' },
    });
    expect(screen.getByTestId('connector-problem').textContent).toContain('Remove the password');
    fireEvent.change(screen.getByLabelText('Repository'), { target: { value: '/srv/repos/r' } });
    expect(screen.queryByTestId('connector-problem')).toBeNull();
  });
});
