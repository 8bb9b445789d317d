import { Field, ObjectType } from 'type-graphql';

/** A postal address of a customer: personal data throughout. */
@ObjectType({ description: 'A postal address. Personal data.' })
export class Address {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  contactName!: string | null;

  @Field()
  street!: string;

  @Field(() => String, { nullable: true })
  street2!: string | null;

  @Field()
  zipcode!: string;

  @Field()
  city!: string;

  @Field({ description: 'ISO 3166 two-letter country code.' })
  country!: string;
}
