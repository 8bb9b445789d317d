import { Field, ObjectType } from 'type-graphql';
import { PersonalData } from '../../security/personal-data';

/** A postal address of a customer: personal data throughout. */
@ObjectType({ description: 'A postal address. Personal data.' })
export class Address {
  @PersonalData()
  @Field()
  name!: string;

  @PersonalData()
  @Field(() => String, { nullable: true })
  contactName!: string | null;

  @PersonalData()
  @Field()
  street!: string;

  @PersonalData()
  @Field(() => String, { nullable: true })
  street2!: string | null;

  @PersonalData()
  @Field()
  zipcode!: string;

  @PersonalData()
  @Field()
  city!: string;

  @PersonalData()
  @Field({ description: 'ISO 3166 two-letter country code.' })
  country!: string;
}
