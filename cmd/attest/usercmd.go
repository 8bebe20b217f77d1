package main

import (
	"bufio"
	"context"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/spf13/cobra"
)

func (m *Main) userCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "user",
		Short: "People who sign in to attest serve, and their roles",
		Long: "Roles: " + strings.Join(attest.Roles, ", ") + `. An auditor's account is named on each
engagement they work on (attest engagement auditor add NAME --user EMAIL):
access follows the account, never a name.
Passwords are kept as argon2id hashes only.`,
	}
	c.AddCommand(m.userAdd(), m.userList(), m.userDisable())
	c.AddCommand(m.unresolvedCommands()...)
	return c
}

// userAdd is `attest user add`.
func (m *Main) userAdd() *cobra.Command {
	var email, name, role string
	var passwordStdin, service bool
	add := &cobra.Command{
		Use:   "add",
		Short: "Add a user (password from --password-stdin, or a random one printed once), or a service account (--service)",
		Long: `Add a person's account, who signs in with a password (from --password-stdin,
or a random one printed once) or single sign-on; or, with --service, a
service account for automation (CI, collectors): it never signs in, acts
only through API tokens (attest token create --user ADDRESS), and can never
hold the auditor role.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			password := ""
			if passwordStdin {
				line, err := bufio.NewReader(m.Stdin).ReadString('\n')
				if err != nil && line == "" {
					return attest.Errorf(attest.EINVALID, "--password-stdin: no password on standard input")
				}
				password = strings.TrimRight(line, "\r\n")
			}
			return writes(m, func(ctx context.Context, d *data, _ []string) (userAdded, error) {
				added, err := auth.AddUser(ctx, d.db, m.change(), nil, auth.NewUser{Email: email, Name: name, Role: role, Password: password, Service: service})
				if err != nil {
					return userAdded{}, err
				}
				return userAdded{added.Generated, added.User}, nil
			}, m.sayUserAdded)(cmd, args)
		},
	}
	add.Flags().StringVar(&email, "email", "", "the e-mail address they sign in with")
	add.Flags().StringVar(&name, "name", "", "their name")
	add.Flags().StringVar(&role, "role", "", "one of "+strings.Join(attest.Roles, ", ")+" (default: viewer, which changes nothing)")
	add.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input")
	add.Flags().BoolVar(&service, "service", false, "a service account for automation: tokens only, never the auditor role")
	add.MarkFlagRequired("email")
	return add
}

// userAdded is what user add answers (JSON keys in alphabetical order,
// as they have always been printed): the account, and the password
// generated for it, if any.
type userAdded struct {
	Password string       `json:"password,omitempty"`
	User     *attest.User `json:"user"`
}

func (m *Main) sayUserAdded(v userAdded) error {
	u, shown := v.User, v.Password
	switch {
	case u.Service:
		m.printf("Added service account %s as %s, user %d: create its tokens with attest token create --user %s\n", u.Email, u.Role, u.ID, u.Email)
	case u.Name != u.Email:
		m.printf("Added %s (%s) as %s, user %d.\n", u.Email, u.Name, u.Role, u.ID)
	default:
		m.printf("Added %s as %s, user %d.\n", u.Email, u.Role, u.ID)
	}
	if shown != "" {
		m.printf("Password (shown once): %s\n", shown)
	}
	return nil
}

// userList is `attest user list`.
func (m *Main) userList() *cobra.Command {
	list := &cobra.Command{
		Use:   "list",
		Short: "List users",
		Args:  cobra.NoArgs,
		RunE: reads(m, func(ctx context.Context, d *data, _ []string) ([]attest.User, error) {
			return auth.Accounts(ctx, d.db, nil)
		}, func(us []attest.User) error {
			for _, u := range us {
				state := ""
				if u.Disabled {
					state = "  (disabled)"
				}
				m.printf("%3d  %-32s %-20s %s%s\n", u.ID, u.Email, u.Role, u.Name, state)
			}
			return nil
		}),
	}
	return list
}

// userDisable is `attest user disable`.
func (m *Main) userDisable() *cobra.Command {
	disable := &cobra.Command{
		Use:   "disable EMAIL",
		Short: "Disable a user: they can no longer sign in or use their tokens",
		Args:  cobra.ExactArgs(1),
		RunE: writes(m, func(ctx context.Context, d *data, args []string) (*attest.User, error) {
			u, err := d.db.UserByEmail(ctx, args[0])
			if err != nil {
				return nil, err
			}
			u, _, err = auth.DisableUser(ctx, d.db, m.change(), nil, u.ID)
			return u, err
		}, func(u *attest.User) error {
			m.printf("Disabled %s.\n", u.Email)
			return nil
		}),
	}
	return disable
}

func (m *Main) tokenCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "token",
		Short: "API tokens for CI and collectors (shown once, kept as SHA-256)",
	}
	var email, name string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API token for a service account; it is printed once",
		Long: `Create an API token for a service account (attest user add --service). A
token acts for the account that holds it, with its role: a person creates
their own tokens once signed in to attest serve (POST /api/v1/tokens), and
nobody creates one for another person's account.`,
		Args: cobra.NoArgs,
		RunE: writes(m, func(ctx context.Context, d *data, _ []string) (tokenCreated, error) {
			nt, err := auth.CreateToken(ctx, d.db, m.change(), nil, email, name)
			if err != nil {
				return tokenCreated{}, err
			}
			return tokenCreated{nt.Secret, nt.Token, nt.Owner}, nil
		}, func(v tokenCreated) error {
			m.printf("Token %d (%s) for %s, shown once:\n%s\n", v.Token.ID, v.Token.Name, v.owner.Email, v.Secret)
			return nil
		}),
	}
	create.Flags().StringVar(&email, "user", "", "the service account (e-mail) that holds the token")
	create.Flags().StringVar(&name, "name", "", "what the token is for, e.g. ci")
	create.MarkFlagRequired("user")
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token",
		Args:  cobra.ExactArgs(1),
		RunE: onNumber(tokenNumber, func(id int64) runner {
			return writes(m, func(ctx context.Context, d *data, _ []string) (*attest.Token, error) {
				t, _, err := auth.RevokeToken(ctx, d.db, m.change(), nil, id)
				return t, err
			}, func(t *attest.Token) error {
				m.printf("Revoked token %d (%s).\n", t.ID, t.Name)
				return nil
			})
		}),
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List API tokens (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: reads(m, func(ctx context.Context, d *data, _ []string) ([]auth.HeldToken, error) {
			return auth.Tokens(ctx, d.db, nil)
		}, func(ts []auth.HeldToken) error {
			for _, t := range ts {
				state := "active"
				if t.RevokedAt != "" {
					state = "revoked " + t.RevokedAt
				}
				m.printf("%3d  user %-3d %-24s %-20s %s\n", t.ID, t.UserID, t.Email, t.Name, state)
			}
			return nil
		}),
	}
	c.AddCommand(create, revoke, list)
	return c
}

// tokenCreated is what token create answers (JSON keys in alphabetical
// order, as they have always been printed): the token, its secret shown
// once, and the account that holds it.
type tokenCreated struct {
	Secret string        `json:"secret"`
	Token  *attest.Token `json:"token"`
	owner  *attest.User
}

// tokenNumber reads a token's ID.
func tokenNumber(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.EINVALID, "token ID %q: want a number (attest token list)", s)
	}
	return id, nil
}
