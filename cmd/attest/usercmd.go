package main

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/alexedwards/argon2id"
	"github.com/attest-dev/attest"
	"github.com/spf13/cobra"
)

func (m *Main) userCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "user",
		Short: "People who sign in to attest serve, and their roles",
		Long: "Roles: " + strings.Join(attest.Roles, ", ") + `. An auditor is also added to an
engagement's auditors (attest engagement auditor add) under the same name.
Passwords are kept as argon2id hashes only.`,
	}
	var email, name, role string
	var passwordStdin bool
	add := &cobra.Command{
		Use:   "add",
		Short: "Add a user (password from --password-stdin, or a random one printed once)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			password := ""
			if passwordStdin {
				line, err := bufio.NewReader(m.Stdin).ReadString('\n')
				if err != nil && line == "" {
					return attest.Errorf(attest.EINVALID, "--password-stdin: no password on standard input")
				}
				password = strings.TrimRight(line, "\r\n")
				if len(password) < 12 {
					return attest.Errorf(attest.EINVALID, "the password needs at least 12 characters")
				}
			}
			shown := ""
			if password == "" {
				password, shown = secret("", 18), "generated"
			}
			hash, err := argon2id.CreateHash(password, argon2id.DefaultParams)
			if err != nil {
				return err
			}
			d, err := m.open(cmd.Context())
			if err != nil {
				return err
			}
			defer d.Close()
			u, err := d.db.SaveUser(cmd.Context(), m.change(), attest.User{Email: email, Name: name, Role: role, PasswordHash: hash})
			if err != nil {
				return err
			}
			if _, err := d.checkpoint(cmd.Context()); err != nil {
				return err
			}
			if m.cfg.json {
				out := map[string]any{"user": u}
				if shown != "" {
					out["password"] = password
				}
				return m.printJSON(out)
			}
			m.printf("Added %s (%s) as %s, user %d.\n", u.Email, u.Name, u.Role, u.ID)
			if shown != "" {
				m.printf("Password (shown once): %s\n", password)
			}
			return nil
		},
	}
	add.Flags().StringVar(&email, "email", "", "the e-mail address they sign in with")
	add.Flags().StringVar(&name, "name", "", "their name")
	add.Flags().StringVar(&role, "role", attest.RoleViewer, "one of "+strings.Join(attest.Roles, ", "))
	add.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input")
	add.MarkFlagRequired("email")
	list := &cobra.Command{
		Use:   "list",
		Short: "List users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := m.open(cmd.Context())
			if err != nil {
				return err
			}
			defer d.Close()
			us, err := d.db.Users(cmd.Context())
			if err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(us)
			}
			for _, u := range us {
				state := ""
				if u.Disabled {
					state = "  (disabled)"
				}
				m.printf("%3d  %-32s %-20s %s%s\n", u.ID, u.Email, u.Role, u.Name, state)
			}
			return nil
		},
	}
	disable := &cobra.Command{
		Use:   "disable EMAIL",
		Short: "Disable a user: they can no longer sign in or use their tokens",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := m.open(cmd.Context())
			if err != nil {
				return err
			}
			defer d.Close()
			u, err := d.db.UserByEmail(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			u.Disabled = true
			if u, err = d.db.SaveUser(cmd.Context(), m.change(), *u); err != nil {
				return err
			}
			if _, err := d.checkpoint(cmd.Context()); err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(u)
			}
			m.printf("Disabled %s.\n", u.Email)
			return nil
		},
	}
	c.AddCommand(add, list, disable)
	return c
}

// secret returns a random token of n bytes, URL-safe, with a prefix.
func secret(prefix string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// TokenHash is how an API token is kept and looked up.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func (m *Main) tokenCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "token",
		Short: "API tokens for CI and collectors (shown once, kept as SHA-256)",
	}
	var email, name string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API token for a user; it is printed once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := m.open(cmd.Context())
			if err != nil {
				return err
			}
			defer d.Close()
			u, err := d.db.UserByEmail(cmd.Context(), email)
			if err != nil {
				return err
			}
			if u.Disabled {
				return attest.Errorf(attest.EINVALID, "%s is disabled", u.Email)
			}
			tok := secret("att_", 32)
			t, err := d.db.SaveToken(cmd.Context(), m.change(), attest.Token{UserID: u.ID, Name: name, Hash: tokenHash(tok)})
			if err != nil {
				return err
			}
			if _, err := d.checkpoint(cmd.Context()); err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(map[string]any{"token": t, "secret": tok})
			}
			m.printf("Token %d (%s) for %s, shown once:\n%s\n", t.ID, t.Name, u.Email, tok)
			return nil
		},
	}
	create.Flags().StringVar(&email, "user", "", "the user (e-mail) the token acts as")
	create.Flags().StringVar(&name, "name", "", "what the token is for, e.g. ci")
	create.MarkFlagRequired("user")
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return attest.Errorf(attest.EINVALID, "token ID %q: want a number (attest token list)", args[0])
			}
			d, err := m.open(cmd.Context())
			if err != nil {
				return err
			}
			defer d.Close()
			t, err := d.db.SaveToken(cmd.Context(), m.change(), attest.Token{ID: id, RevokedAt: m.change().Stamp()})
			if err != nil {
				return err
			}
			if _, err := d.checkpoint(cmd.Context()); err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(t)
			}
			m.printf("Revoked token %d (%s).\n", t.ID, t.Name)
			return nil
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List API tokens (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := m.open(cmd.Context())
			if err != nil {
				return err
			}
			defer d.Close()
			ts, err := d.db.Tokens(cmd.Context(), 0)
			if err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(ts)
			}
			for _, t := range ts {
				state := "active"
				if t.RevokedAt != "" {
					state = "revoked " + t.RevokedAt
				}
				m.printf("%3d  user %-3d %-20s %s\n", t.ID, t.UserID, t.Name, state)
			}
			return nil
		},
	}
	c.AddCommand(create, revoke, list)
	return c
}
