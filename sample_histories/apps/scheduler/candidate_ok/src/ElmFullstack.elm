module ElmFullstack exposing (..)

{-| The app side of the backend interface of the Elm-fullstack hosts of 2021-09 .. 2023-02
(docs/modern-eras-replay.md section 2.1): the app declares
`backendMain : ElmFullstack.BackendConfig State` in `Backend.Main`, and the root module the host
generates imports this module with `exposing (..)`. The names and shapes below are that
interface; an app supplies this file itself.
-}

-- What the app declares


type alias BackendConfig state =
    { init : ( state, BackendCmds state )
    , subscriptions : state -> BackendSubs state
    }


type alias BackendSubs state =
    { httpRequest : HttpRequestEventStruct -> state -> ( state, BackendCmds state )
    , posixTimeIsPast :
        Maybe
            { minimumPosixTimeMilli : Int
            , update : { currentPosixTimeMilli : Int } -> state -> ( state, BackendCmds state )
            }
    }


type alias BackendCmds state =
    List (BackendCmd state)


type BackendCmd state
    = RespondToHttpRequest RespondToHttpRequestStruct
    | CreateVolatileProcess (CreateVolatileProcessStruct state)
    | RequestToVolatileProcess (RequestToVolatileProcessStruct state)
    | TerminateVolatileProcess TerminateVolatileProcessStruct



-- HTTP


type alias HttpRequestEventStruct =
    { httpRequestId : String
    , posixTimeMilli : Int
    , requestContext : HttpRequestContext
    , request : HttpRequestProperties
    }


type alias HttpRequestContext =
    { clientAddress : Maybe String }


type alias HttpRequestProperties =
    { method : String
    , uri : String
    , bodyAsBase64 : Maybe String
    , headers : List HttpHeader
    }


type alias HttpHeader =
    { name : String
    , values : List String
    }


type alias RespondToHttpRequestStruct =
    { httpRequestId : String
    , response : HttpResponse
    }


type alias HttpResponse =
    { statusCode : Int
    , bodyAsBase64 : Maybe String
    , headersToAdd : List HttpHeader
    }



-- Volatile processes (tasks the host runs; their results come back as events)


type alias CreateVolatileProcessStruct state =
    { programCode : String
    , update : CreateVolatileProcessResult -> state -> ( state, BackendCmds state )
    }


type alias CreateVolatileProcessResult =
    Result CreateVolatileProcessErrorStruct CreateVolatileProcessComplete


type alias CreateVolatileProcessErrorStruct =
    { exceptionToString : String }


type alias CreateVolatileProcessComplete =
    { processId : String }


type alias RequestToVolatileProcessStruct state =
    { processId : String
    , request : String
    , update : RequestToVolatileProcessResult -> state -> ( state, BackendCmds state )
    }


type alias RequestToVolatileProcessResult =
    Result RequestToVolatileProcessError RequestToVolatileProcessComplete


type RequestToVolatileProcessError
    = ProcessNotFound


type alias RequestToVolatileProcessComplete =
    { exceptionToString : Maybe String
    , returnValueToString : Maybe String
    , durationInMilliseconds : Int
    }


type alias TerminateVolatileProcessStruct =
    { processId : String }
