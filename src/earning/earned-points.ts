/**
 * Points earned in a period, read from the ledger: awards and base grants credited to a wallet,
 * minus deductions debited from it. Spending (order holds, redemptions) does not count.
 */
export const EARNING_CREDIT_CODES = ['award', 'base_grant'] as const;
export const EARNING_DEBIT_CODES = ['deduction'] as const;

/**
 * `(user_id, points)` for every wallet with earning movements in [from, to). Parameters, in order:
 * from, to, from, to.
 */
export const EARNED_BY_USER_SQL = `
  SELECT e.user_id, SUM(e.amount) AS points FROM (
    SELECT a.owner_id AS user_id, t.amount
      FROM transfers t JOIN accounts a ON a.id = t.credit_account_id
     WHERE t.ledger = 'POINTS' AND t.code IN ('award', 'base_grant') AND t.created_at >= ? AND t.created_at < ?
       AND a.kind = 'wallet' AND a.owner_type = 'user'
    UNION ALL
    SELECT a.owner_id AS user_id, -t.amount
      FROM transfers t JOIN accounts a ON a.id = t.debit_account_id
     WHERE t.ledger = 'POINTS' AND t.code = 'deduction' AND t.created_at >= ? AND t.created_at < ?
       AND a.kind = 'wallet' AND a.owner_type = 'user'
  ) e GROUP BY e.user_id`;

/** Earned points of one wallet in [from, to). Parameters: wallet x4, from, to. */
export const EARNED_BY_WALLET_SQL = `
  SELECT COALESCE(SUM(CASE
           WHEN credit_account_id = ? AND code IN ('award', 'base_grant') THEN amount
           WHEN debit_account_id = ? AND code = 'deduction' THEN -amount
           ELSE 0 END), 0) AS points
    FROM transfers
   WHERE (credit_account_id = ? OR debit_account_id = ?) AND created_at >= ? AND created_at < ?`;
