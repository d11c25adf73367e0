import Decimal from 'decimal.js';

/** Exact decimal arithmetic for prices; amounts are cents-precise and rounded half-up. */
const Exact = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export class Money {
  private constructor(private readonly value: Decimal) {}

  static readonly ZERO = new Money(new Exact(0));

  static of(value: string | number | Money): Money {
    return value instanceof Money ? value : new Money(new Exact(value));
  }

  plus(other: Money): Money {
    return new Money(this.value.plus(other.value));
  }

  times(factor: number): Money {
    return new Money(this.value.times(factor));
  }

  /** This x rate / 100, rounded half-up to the cent: the tax of one line. */
  percent(rate: Money): Money {
    return new Money(this.value.times(rate.value).dividedBy(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP));
  }

  decimalPlaces(): number {
    return this.value.decimalPlaces();
  }

  compare(other: Money): number {
    return this.value.comparedTo(other.value);
  }

  toFixed2(): string {
    return this.value.toFixed(2, Decimal.ROUND_HALF_UP);
  }

  toNumber(): number {
    return this.value.toNumber();
  }
}
