import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PersonalData } from '../../security/personal-data';

@ObjectType({ description: 'A postal address of a customer. Personal data.' })
export class CustomerAddress {
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

  @Field({ description: 'Used as invoice address on new orders.' })
  defaultInvoice!: boolean;

  @Field({ description: 'Used as delivery address on new orders.' })
  defaultDelivery!: boolean;
}

/**
 * A Picqer customer. Everything that can identify the customer is @PersonalData (scope
 * customers:read, audited, never cached, never logged); the ids are not.
 */
@ObjectType({ description: 'A Picqer customer. Personal data (scope customers:read) except the ids.' })
export class Customer {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  idcustomer!: number;

  @Field({ description: "Picqer's per-account customer number." })
  customerid!: string;

  @PersonalData()
  @Field(() => String, { nullable: true, description: 'Company name, or the name of a consumer.' })
  name!: string;

  @PersonalData()
  @Field(() => String, { nullable: true })
  contactName!: string | null;

  @PersonalData()
  @Field(() => String, { nullable: true })
  email!: string | null;

  @PersonalData()
  @Field(() => String, { nullable: true })
  phone!: string | null;

  @PersonalData()
  @Field(() => [CustomerAddress], { nullable: true })
  addresses!: CustomerAddress[];
}
