module Frontend.Main exposing (main)

{-| A stand-in frontend (a worker, so that it needs no elm/browser): what matters here is that
its `elm make` output is embedded exactly.
-}


main : Program () Int ()
main =
    Platform.worker
        { init = \_ -> ( 0, Cmd.none )
        , update = \_ count -> ( count + 1, Cmd.none )
        , subscriptions = \_ -> Sub.none
        }
