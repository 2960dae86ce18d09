import { LoginErrorType, type LoginError } from "@shopify/shopify-app-remix/server";

/** The login form's field errors for what `login()` returned. */
export function loginErrorMessage(errors: LoginError): { shop?: string } {
  if (errors?.shop === LoginErrorType.MissingShop) return { shop: "Enter your shop domain to log in" };
  if (errors?.shop === LoginErrorType.InvalidShop) return { shop: "Enter a valid shop domain, e.g. my-shop.myshopify.com" };
  return {};
}
