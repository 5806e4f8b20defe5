import { z } from 'zod';

/**
 * The table query language: a small JSON plan, restricted by construction (no expressions, no
 * joins, no code), validated with zod and executed by Lore's own engine over typed rows. The rule
 * parser produces it, and so may a language model; both go through the same validation.
 */

export const filterOperators = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'contains',
  'month',
  'year',
  'empty',
  'notEmpty',
] as const;

export const aggregates = ['count', 'countDistinct', 'sum', 'avg', 'min', 'max', 'list'] as const;

const Scalar = z.union([z.string().max(500), z.number().finite(), z.boolean()]);

export const PlanFilterSchema = z
  .object({
    column: z.string().min(1).max(200),
    op: z.enum(filterOperators),
    /** Compared value; for `month` the month 1–12, for `year` the year. */
    value: Scalar.optional(),
    /** Upper bound of `between`; the year of a `month` filter. */
    value2: Scalar.optional(),
  })
  .strict();

export const TablePlanSchema = z
  .object({
    /** The table, as named in the schema given to the planner (e.g. `T1`). */
    table: z.string().min(1).max(200).optional(),
    filters: z.array(PlanFilterSchema).max(12).default([]),
    aggregate: z.enum(aggregates),
    /** The column summed, averaged, maximised… (count: optional). */
    column: z.string().min(1).max(200).optional(),
    groupBy: z.string().min(1).max(200).optional(),
    orderBy: z
      .object({ column: z.string().min(1).max(200), direction: z.enum(['asc', 'desc']).default('asc') })
      .strict()
      .optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    /** Columns shown for `list` (default: the label, the filtered and ordered columns). */
    select: z.array(z.string().min(1).max(200)).max(20).optional(),
    /** Column naming the row(s) that reach a min/max (e.g. "which item…"). */
    label: z.string().min(1).max(200).optional(),
  })
  .strict();

export type PlanFilter = z.infer<typeof PlanFilterSchema>;
export type TablePlan = z.infer<typeof TablePlanSchema>;
export type Aggregate = (typeof aggregates)[number];
